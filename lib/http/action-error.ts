import { unstable_rethrow } from "next/navigation";
import { toAppError, type AppError } from "@/lib/errors";

/**
 * What a server action shows for something it caught. Next's own control flow (the redirect to
 * sign-in of a revoked session, notFound) is thrown on, so it happens instead of turning into
 * "Something went wrong".
 */
export function actionError(error: unknown): AppError {
  unstable_rethrow(error);
  return toAppError(error);
}
