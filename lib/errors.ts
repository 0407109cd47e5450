// One error type for the whole app. Codes map to HTTP statuses; messages are written for the
// person reading them and never carry secrets or stack traces.
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "TOO_MANY_REQUESTS"
  | "UNAVAILABLE"
  | "INTERNAL";

const httpStatus: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fieldErrors?: FieldErrors;

  constructor(code: AppErrorCode, options: { message: string; fieldErrors?: FieldErrors; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = options.fieldErrors;
  }

  get status(): number {
    return httpStatus[this.code];
  }
}

export const DATABASE_UNAVAILABLE_MESSAGE =
  "Baton's database is not reachable right now. Nothing was changed; try again in a moment.";

/** Connection-level failures (server down, restarting, refusing) as opposed to bad queries. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    const text = `${(current as { code?: unknown }).code ?? ""} ${(current as { message?: unknown }).message ?? ""}`;
    if (
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P01|57P03|53300|P1001|P1017|DatabaseNotReachable|Connection terminated|connection timeout|the database system is (starting up|shutting down)|Can't reach database/i.test(
        text,
      )
    ) {
      return true;
    }
  }
  return false;
}

/** Turns anything thrown into an AppError the edges (routes, actions) can show. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError("UNAVAILABLE", { message: DATABASE_UNAVAILABLE_MESSAGE, cause: error });
  }
  return new AppError("INTERNAL", { message: "Something went wrong on Baton's side. Try again; if it keeps happening, check the server log.", cause: error });
}
