import { mailToolSchemas } from "./mail/mail-tools";
import { argumentValidator, builtinTools } from "./registry";

/** The web side's check of edited arguments, against the same tool schemas the worker uses. */
export const builtinArgumentValidator = argumentValidator([...builtinTools(), ...mailToolSchemas]);
