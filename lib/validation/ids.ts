// Every id Baton hands out is a UUID. Anything else in a URL or a form cannot name a row: it is a
// 404 here, decided once, rather than a 500 from Postgres refusing to compare it with a uuid column.
import { z } from "zod";
import { AppError } from "@/lib/errors";

const uuid = z.uuid();

export function isId(value: unknown): value is string {
  return uuid.safeParse(value).success;
}

/** Throws the caller's own 404 when `value` cannot be an id. */
export function assertId(value: unknown, notFound: () => AppError): asserts value is string {
  if (!isId(value)) throw notFound();
}
