// Where a credential's password and TOTP secret sit in the secret store: under its owner, named
// after the credential's id, so a rename never moves a secret.
import type { SecretRef } from "@/lib/secrets/secret-store";

export type CredentialSecret = "password" | "totp";

export const credentialSecretName = (credentialId: string, secret: CredentialSecret) => `credential:${credentialId}:${secret}`;

export const credentialSecretRef = (userId: string, name: string): SecretRef => ({ owner: { scope: "user", userId }, name });

/**
 * The store's hint for these secrets. A model key's last four characters help tell keys apart;
 * a password's would only help guess it, so the page says no more than "set".
 */
export const CREDENTIAL_SECRET_HINT = "••••••••";
