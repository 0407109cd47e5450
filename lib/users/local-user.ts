// Until sign-in exists, Baton serves one local user and listens on 127.0.0.1 only. The schema is
// multi-user already; this is the one place that picks the user for a request.
import type { Db } from "@/lib/db";

export const LOCAL_USER_EMAIL = "owner@localhost";

let cachedId: string | undefined;

export async function localUserId(db: Db): Promise<string> {
  if (cachedId) return cachedId;
  const user = await db.user.upsert({
    where: { email: LOCAL_USER_EMAIL },
    create: { email: LOCAL_USER_EMAIL, name: "Owner" },
    update: {},
    select: { id: true },
  });
  cachedId = user.id;
  return user.id;
}
