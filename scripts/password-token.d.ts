export function passwordToken(
  baseUrl: string,
  user: { name: string; password: string; domain?: string },
  projectId: string,
  options?: { signal?: AbortSignal },
): Promise<string>;
