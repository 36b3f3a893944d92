import type {
  InputHTMLAttributes,
  ReactNode,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from "react";
import { cn } from "./cn";

const CONTROL =
  "block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-xs placeholder:text-zinc-400 focus:outline-2 focus:outline-offset-0 focus:outline-zinc-900 disabled:bg-zinc-100";

type FieldProps = {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  children: (aria: {
    "aria-invalid": boolean;
    "aria-describedby"?: string;
    className: string;
  }) => ReactNode;
};

/** A label, a control, an optional hint and the field's errors, wired with aria. */
export function Field({ id, label, hint, errors, children }: FieldProps) {
  const hasError = Boolean(errors?.length);
  const describedBy = [hint ? `${id}-hint` : null, hasError ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children({
        "aria-invalid": hasError,
        "aria-describedby": describedBy || undefined,
        className: cn(CONTROL, hasError ? "border-red-500" : "border-zinc-300"),
      })}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
      {hasError ? (
        <p id={`${id}-error`} className="text-sm text-red-600">
          {errors?.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

type Common = { id: string; label: string; hint?: ReactNode; errors?: string[] };

export function TextField({
  id,
  label,
  hint,
  errors,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field id={id} label={label} hint={hint} errors={errors}>
      {(aria) => <input id={id} name={id} {...aria} {...input} />}
    </Field>
  );
}

export function TextAreaField({
  id,
  label,
  hint,
  errors,
  className,
  ...input
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Field id={id} label={label} hint={hint} errors={errors}>
      {(aria) => (
        <textarea
          id={id}
          name={id}
          {...aria}
          {...input}
          className={cn(aria.className, className)}
        />
      )}
    </Field>
  );
}

export function SelectField({
  id,
  label,
  hint,
  errors,
  children,
  className,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field id={id} label={label} hint={hint} errors={errors}>
      {(aria) => (
        <select id={id} name={id} {...aria} {...select} className={cn(aria.className, className)}>
          {children}
        </select>
      )}
    </Field>
  );
}

export function FormMessage({ state }: { state: { status: string; message?: string } }) {
  if (state.status !== "error" || !state.message) return null;
  return (
    <p
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
    >
      {state.message}
    </p>
  );
}
