"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import QRCode from "qrcode";
import { requireUser } from "@/lib/auth/current-user";
import { revokeDevice, signOutEverywhere } from "@/lib/auth/devices";
import { createPairingCode, revokePairingCode } from "@/lib/auth/pairing";
import { db } from "@/lib/db";
import { publicOrigin } from "@/lib/http/public-origin";
import { actionError } from "@/lib/http/action-error";

export interface PairingOffer {
  id: string;
  code: string;
  expiresAt: string;
  url: string;
  qrSvg: string;
}

export type ActionOutcome<T = undefined> = { ok: true; value: T } | { ok: false; error: string };

async function attempt<T>(run: () => Promise<T>): Promise<ActionOutcome<T>> {
  try {
    const value = await run();
    revalidatePath("/devices");
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: actionError(error).message };
  }
}

export async function createPairingCodeAction(): Promise<ActionOutcome<PairingOffer>> {
  return attempt(async () => {
    const user = await requireUser();
    const offer = await createPairingCode(db(), { userId: user.id, deviceId: user.deviceId });
    const url = `${publicOrigin(await headers())}/pair?code=${offer.code}`;
    const qrSvg = await QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
    return { ...offer, url, qrSvg };
  });
}

export async function revokePairingCodeAction(pairingId: string): Promise<ActionOutcome> {
  return attempt(async () => {
    await revokePairingCode(db(), { userId: (await requireUser()).id, pairingId });
    return undefined;
  });
}

export async function revokeDeviceAction(deviceId: string): Promise<ActionOutcome> {
  return attempt(async () => {
    await revokeDevice(db(), { userId: (await requireUser()).id, deviceId });
    return undefined;
  });
}

export async function signOutEverywhereAction(): Promise<ActionOutcome<number>> {
  return attempt(async () => signOutEverywhere(db(), (await requireUser()).id));
}
