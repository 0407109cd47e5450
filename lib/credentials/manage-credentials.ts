// A person's website credentials: list, create, edit, delete. Every query is scoped by userId;
// the password and TOTP secret go into the secret store and never come back out of this module
// (the view says only whether each is set). The runtime reads them through resolve-credential.ts.
import { randomUUID } from "node:crypto";
import type { Db, DbTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma, type Credential } from "@/lib/generated/prisma/client";
import { deleteSecret, setSecret } from "@/lib/secrets/secret-store";
import { assertId } from "@/lib/validation/ids";
import { CREDENTIAL_SECRET_HINT, credentialSecretName, credentialSecretRef } from "./credential-secrets";
import type { CreateCredentialInput, CreateSshKeyCredentialInput, UpdateCredentialInput } from "./schemas";

export interface CredentialView {
  id: string;
  name: string;
  label: string;
  origins: string[];
  username: string;
  /** Always true: a credential cannot be saved without one. Its value is never shown. */
  passwordSet: boolean;
  totpSet: boolean;
  /** An SSH key credential's server host key (public); null for a website sign-in. */
  hostKey: string | null;
  createdAt: string;
  updatedAt: string;
}

const toView = (row: Credential): CredentialView => ({
  id: row.id,
  name: row.name,
  label: row.label,
  origins: row.origins,
  username: row.username,
  passwordSet: true,
  totpSet: row.totpSecretName !== null,
  hostKey: row.hostKey,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const notFound = () => new AppError("NOT_FOUND", { message: "No such credential." });

async function storeSecret(tx: DbTx, userId: string, name: string, kind: string, value: string): Promise<void> {
  await setSecret(tx, { ...credentialSecretRef(userId, name), kind, value, hint: CREDENTIAL_SECRET_HINT });
}

/** Two credentials of one person cannot share a name: playbooks name them by it. */
async function uniqueName<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("CONFLICT", { message: `You already have a credential named ${name}.`, fieldErrors: { name: ["Already used by another of your credentials."] }, cause: error });
    }
    throw error;
  }
}

export async function listCredentials(db: DbTx, params: { userId: string }): Promise<CredentialView[]> {
  const rows = await db.credential.findMany({ where: { userId: params.userId }, orderBy: { label: "asc" } });
  return rows.map(toView);
}

export async function createCredential(db: Db, params: { userId: string; input: CreateCredentialInput }): Promise<CredentialView> {
  const { userId, input } = params;
  const id = randomUUID();
  const passwordSecretName = credentialSecretName(id, "password");
  const totpSecretName = input.totpSecret ? credentialSecretName(id, "totp") : null;
  return uniqueName(input.name, () =>
    db.$transaction(async (tx) => {
      const row = await tx.credential.create({
        data: { id, userId, name: input.name, label: input.label, origins: input.origins, username: input.username, passwordSecretName, totpSecretName },
      });
      await storeSecret(tx, userId, passwordSecretName, "credential-password", input.password);
      if (totpSecretName && input.totpSecret) await storeSecret(tx, userId, totpSecretName, "credential-totp", input.totpSecret);
      return toView(row);
    }),
  );
}

/** An SSH key credential: the private key sealed under the password's name (so delete removes it), the host key in the row. */
export async function createSshKeyCredential(db: Db, params: { userId: string; input: CreateSshKeyCredentialInput }): Promise<CredentialView> {
  const { userId, input } = params;
  const id = randomUUID();
  const passwordSecretName = credentialSecretName(id, "password");
  return uniqueName(input.name, () =>
    db.$transaction(async (tx) => {
      const row = await tx.credential.create({
        data: { id, userId, name: input.name, label: input.label, origins: [input.site], username: "", passwordSecretName, hostKey: input.hostKey },
      });
      await storeSecret(tx, userId, passwordSecretName, "credential-ssh-key", input.privateKey);
      return toView(row);
    }),
  );
}

export async function updateCredential(db: Db, params: { userId: string; credentialId: string; input: UpdateCredentialInput }): Promise<CredentialView> {
  const { userId, credentialId, input } = params;
  assertId(credentialId, notFound);
  return uniqueName(input.name, () =>
    db.$transaction(async (tx) => {
      const current = await tx.credential.findFirst({ where: { id: credentialId, userId } });
      if (!current) throw notFound();
      // Its key and host key are replaced by adding it again: the website form has no fields for them.
      if (current.hostKey !== null) throw new AppError("BAD_REQUEST", { message: "An SSH key credential is not edited; delete it and add it again." });
      let totpSecretName = current.totpSecretName;
      if (input.totpSecret) {
        totpSecretName = credentialSecretName(current.id, "totp");
        await storeSecret(tx, userId, totpSecretName, "credential-totp", input.totpSecret);
      } else if (input.removeTotp && totpSecretName) {
        await deleteSecret(tx, credentialSecretRef(userId, totpSecretName));
        totpSecretName = null;
      }
      if (input.password) await storeSecret(tx, userId, current.passwordSecretName, "credential-password", input.password);
      const row = await tx.credential.update({
        where: { id: current.id },
        data: { name: input.name, label: input.label, origins: input.origins, username: input.username, totpSecretName },
      });
      return toView(row);
    }),
  );
}

/** Deletes the credential and its stored password and TOTP secret together. */
export async function deleteCredential(db: Db, params: { userId: string; credentialId: string }): Promise<void> {
  const { userId, credentialId } = params;
  assertId(credentialId, notFound);
  await db.$transaction(async (tx) => {
    const current = await tx.credential.findFirst({ where: { id: credentialId, userId } });
    if (!current) throw notFound();
    for (const name of [current.passwordSecretName, current.totpSecretName]) {
      if (name) await deleteSecret(tx, credentialSecretRef(userId, name));
    }
    await tx.credential.delete({ where: { id: current.id } });
  });
}
