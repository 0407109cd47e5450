export const inputClass =
  "mt-1 block min-h-11 w-full scroll-mt-20 rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-base text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 aria-[invalid=true]:border-rose-400 aria-[invalid=true]:ring-rose-100";

export const primaryButtonClass =
  "w-full rounded-lg bg-indigo-600 px-4 py-3 text-base font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:cursor-wait disabled:opacity-70";

/** A bordered button beside a record or a form's main button (Edit, Pause, Test connection). */
export const secondaryButtonClass =
  "inline-flex min-h-11 items-center justify-center rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60";

export function Field(props: { label: string; name: string; errors?: string[]; errorId?: string; hint?: string; children: React.ReactNode }) {
  const errorId = props.errorId ?? `${props.name}-error`;
  return (
    <div>
      <label htmlFor={props.name} className="block text-sm font-medium text-slate-700">
        {props.label}
      </label>
      {props.children}
      {props.hint && !props.errors?.length ? <p className="mt-1 text-sm text-slate-500">{props.hint}</p> : null}
      {props.errors?.length ? (
        <p id={errorId} className="mt-1 text-sm text-rose-700">
          {props.errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** How long a text is against its limit, shown as the person types (before the server would refuse it). */
export function CharacterCount({ id, length, max }: { id: string; length: number; max: number }) {
  const over = length - max;
  return (
    <p id={id} data-testid={id} className={`mt-1 text-right text-xs tabular-nums ${over > 0 ? "font-medium text-rose-700" : "text-slate-500"}`}>
      {length.toLocaleString("en-US")} / {max.toLocaleString("en-US")} characters
      {over > 0 && ` (${over.toLocaleString("en-US")} too many)`}
    </p>
  );
}

export function FormMessage({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p id="form-message" role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
      {message}
    </p>
  );
}

/**
 * A submit handler that keeps what the person typed: a form `action` resets the fields after it
 * runs, which after a refusal ("wrong password") would also wipe the email they entered.
 */
export function keepingValues(submit: (form: FormData) => unknown) {
  return (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit(new FormData(event.currentTarget));
  };
}
