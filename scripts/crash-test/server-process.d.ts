import type { ChildProcess } from 'node:child_process';

/** Types of server-process.js. */
export const PROJECT_ID: string;
export const WRITER: { name: string; password: string };
export function writeBootstrap(dataDir: string): string;
export function freePort(): Promise<number>;
export function startServe(
  location: { dataDir: string; databaseUrl?: string; databaseSchema?: string },
  port: number,
  bootstrapFile: string,
): Promise<ChildProcess>;
export function killServe(child: ChildProcess): Promise<void>;
