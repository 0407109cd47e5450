// Devices are sessions with a name: each sign-in or pairing creates one, and the device list is
// where a person sees where they are signed in and signs a browser out.
import type { Db, DbTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertId } from "@/lib/validation/ids";

export interface DeviceView {
  id: string;
  name: string;
  signedInVia: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
  push: { enabled: boolean; kinds: string[] };
}

export async function createDevice(
  db: DbTx,
  input: { userId: string; name?: string; userAgent?: string | null; signedInVia: "password" | "pairing" },
): Promise<string> {
  const device = await db.device.create({
    data: {
      userId: input.userId,
      name: deviceName(input.name, input.userAgent),
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      signedInVia: input.signedInVia,
    },
    select: { id: true },
  });
  return device.id;
}

export async function listDevices(db: Db, input: { userId: string; currentDeviceId: string }): Promise<DeviceView[]> {
  const devices = await db.device.findMany({
    where: { userId: input.userId, revokedAt: null },
    orderBy: { lastSeenAt: "desc" },
    include: { pushSubscription: { select: { kinds: true } } },
  });
  return devices.map((device) => ({
    id: device.id,
    name: device.name,
    signedInVia: device.signedInVia,
    createdAt: device.createdAt.toISOString(),
    lastSeenAt: device.lastSeenAt.toISOString(),
    current: device.id === input.currentDeviceId,
    push: { enabled: device.pushSubscription !== null, kinds: device.pushSubscription?.kinds ?? [] },
  }));
}

/** Ends a device's session: its next request finds none. Its push subscription goes with it. */
export async function endDeviceSession(db: Db, input: { userId: string; deviceId: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const result = await tx.device.updateMany({
      where: { id: input.deviceId, userId: input.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (result.count) await tx.pushSubscription.deleteMany({ where: { deviceId: input.deviceId, userId: input.userId } });
    return result.count > 0;
  });
}

export async function revokeDevice(db: Db, input: { userId: string; deviceId: string }): Promise<void> {
  const notSignedIn = () => new AppError("NOT_FOUND", { message: "That device is not signed in (any more)." });
  assertId(input.deviceId, notSignedIn);
  if (!(await endDeviceSession(db, input))) throw new AppError("NOT_FOUND", { message: "That device is not signed in (any more)." });
}

export async function signOutEverywhere(db: Db, userId: string): Promise<number> {
  return db.$transaction(async (tx) => {
    const result = await tx.device.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    await tx.pushSubscription.deleteMany({ where: { userId } });
    return result.count;
  });
}

/** What a device is called: the name given at sign-in, else one read from its browser. */
export function deviceName(given: string | undefined, userAgent: string | null | undefined): string {
  return (given?.trim() || deviceNameFromUserAgent(userAgent)).slice(0, 60);
}

/** "Chrome on Android": enough to tell one's own devices apart; the person can rename it. */
export function deviceNameFromUserAgent(userAgent: string | null | undefined): string {
  const ua = userAgent ?? "";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrome\/|Chromium\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const system = /iPhone/.test(ua)
    ? "iPhone"
    : /iPad/.test(ua)
      ? "iPad"
      : /Android/.test(ua)
        ? "Android"
        : /Mac OS X|Macintosh/.test(ua)
          ? "Mac"
          : /Windows/.test(ua)
            ? "Windows"
            : /Linux/.test(ua)
              ? "Linux"
              : "";
  return system ? `${browser} on ${system}` : browser;
}
