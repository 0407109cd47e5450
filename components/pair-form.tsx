"use client";

import { useState } from "react";
import { goTo, signInWith } from "@/components/credentials-sign-in";
import { Field, FormMessage, inputClass, keepingValues, primaryButtonClass } from "@/components/form-field";

export function PairForm({ code }: { code?: string }) {
  const [message, setMessage] = useState<string>();
  const [pending, setPending] = useState(false);

  async function submit(form: FormData) {
    setPending(true);
    const refusal = await signInWith("pairing", { code: String(form.get("code") ?? ""), deviceName: String(form.get("deviceName") ?? "") });
    if (refusal) {
      setMessage(refusal);
      setPending(false);
    } else goTo("/");
  }

  return (
    <form onSubmit={keepingValues(submit)} className="space-y-5">
      <FormMessage message={message} />
      <Field label="Pairing code" name="code" hint="Shown under Devices on your signed-in device, like ABCD-EFGH.">
        <input
          id="code"
          name="code"
          defaultValue={code}
          autoCapitalize="characters"
          autoComplete="one-time-code"
          spellCheck={false}
          required
          className={`${inputClass} font-mono tracking-widest uppercase`}
        />
      </Field>
      <Field label="Name this device (optional)" name="deviceName">
        <input id="deviceName" name="deviceName" maxLength={60} placeholder="My phone" className={inputClass} />
      </Field>
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        {pending ? "Pairing…" : "Sign in this device"}
      </button>
    </form>
  );
}
