/** A failed call of the emulator's internal API: its status and the house's error code. */
export class EmulatorError extends Error {
  override name = 'EmulatorError';
  constructor(
    message: string,
    readonly status?: number,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}
