export declare function dataDirectory(env?: Record<string, string | undefined>): string;
export declare function isEmbedded(env?: Record<string, string | undefined>): boolean;
export declare function redactUrl(url: string): string;
export declare function explainDatabaseError(
  error: unknown,
  target: string,
  embedded: boolean,
): string | null;
export declare function migrate(env?: Record<string, string | undefined>): Promise<void>;
