"use server";

import { headers } from "next/headers";
import { decideWithToken } from "@/lib/approvals/approval-tokens";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { clientIp } from "@/lib/http/client-ip";
import { publicAction, type ActionResult } from "@/lib/http/server-action";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";

/** The confirm button of a mail's Approve / Deny link: the signed, single-use token is the authority. */
export async function decideFromLinkAction(token: string): Promise<ActionResult<{ status: string }>> {
  return publicAction("decide from mail link", async () => {
    const { authSecret } = await instanceSecrets(db());
    const approval = await decideWithToken({ db: db(), engine: taskDispatcher(), tools: builtinArgumentValidator, authSecret }, token, {
      ip: clientIp(await headers()),
      via: "mail",
    });
    return { status: approval.status };
  });
}
