import { cookies } from "next/headers";
import Link from "next/link";
import { configuredModels } from "@/lib/agent/providers/registry";
import { currentUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { DismissibleNotice } from "./dismissible-notice";

const MODEL_NOTICE_COOKIE = "baton-model-notice";

/**
 * One line saying tasks run on the demo model while no model is set up: for the owner with the way
 * to the Models page, for anyone else who to ask. Dismissed on a device, it stays away there (a
 * cookie read here, so it does not flash in first).
 */
export async function ModelNotice() {
  const [store, user] = await Promise.all([cookies(), currentUser()]);
  if (store.get(MODEL_NOTICE_COOKIE)?.value === "dismissed") return null;
  if ((await configuredModels(db())).length > 0) return null;
  return (
    <DismissibleNotice cookie={MODEL_NOTICE_COOKIE}>
      <p className="min-w-0 flex-1 py-3 leading-5">
        Tasks run on the <strong className="font-semibold">demo model</strong> (scripted, no AI) ·{" "}
        {user?.role === "owner" ? (
          // 44 px tall to tap, its negative margin keeps the line 20 px so the notice stays two lines.
          <Link href="/models" className="-my-3 inline-flex min-h-11 items-center font-semibold text-amber-900 underline underline-offset-2">
            Set up a model
          </Link>
        ) : (
          "Ask the owner to set up a model"
        )}
      </p>
    </DismissibleNotice>
  );
}
