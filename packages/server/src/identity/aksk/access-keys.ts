import { randomInt } from 'node:crypto';

const AK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An access key as the cloud issues them: 20 uppercase letters and digits. */
export const ACCESS_KEY_PATTERN = /^[A-Z0-9]{20}$/;
/** A secret key: 40 characters (the cloud's are letters and digits). */
export const SECRET_KEY_PATTERN = /^[\x21-\x7e]{40}$/;

const pick = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/** A new random access key (20 of A-Z 0-9, about 103 bits). */
export const newAccessKey = (): string => pick(AK_ALPHABET, 20);
/** A new random secret key (40 letters and digits, about 238 bits). */
export const newSecretKey = (): string => pick(SK_ALPHABET, 40);
