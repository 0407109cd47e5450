"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import QRCode from "qrcode";
import { revokeDevice, signOutEverywhere } from "@/lib/auth/devices";
import { createPairingCode, revokePairingCode } from "@/lib/auth/pairing";
import { db } from "@/lib/db";
import { publicOrigin } from "@/lib/http/public-origin";
import type { SessionUser } from "@/lib/auth/session";
import { userAction, type ActionResult } from "@/lib/http/server-action";

export interface PairingOffer {
  id: string;
  code: string;
  expiresAt: string;
  url: string;
  qrSvg: string;
}

function devicesAction<T>(where: string, work: (user: SessionUser) => Promise<T>): Promise<ActionResult<T>> {
  return userAction(where, async (user) => {
    const value = await work(user);
    revalidatePath("/devices");
    return value;
  });
}

export async function createPairingCodeAction(): Promise<ActionResult<PairingOffer>> {
  return devicesAction("create pairing code", async (user) => {
    const offer = await createPairingCode(db(), { userId: user.id, deviceId: user.deviceId });
    const url = `${publicOrigin(await headers())}/pair?code=${offer.code}`;
    const qrSvg = await QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
    return { ...offer, url, qrSvg };
  });
}

export async function revokePairingCodeAction(pairingId: string): Promise<ActionResult> {
  return devicesAction("revoke pairing code", async (user) => {
    await revokePairingCode(db(), { userId: user.id, pairingId });
    return undefined;
  });
}

export async function revokeDeviceAction(deviceId: string): Promise<ActionResult> {
  return devicesAction("revoke device", async (user) => {
    await revokeDevice(db(), { userId: user.id, deviceId });
    return undefined;
  });
}

export async function signOutEverywhereAction(): Promise<ActionResult<number>> {
  return devicesAction("sign out everywhere", (user) => signOutEverywhere(db(), user.id));
}
