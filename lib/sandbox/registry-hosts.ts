// Which hosts a sandboxed command may reach when its template opts in to package registries: a
// short list of names (registry.npmjs.org, pypi.org, files.pythonhosted.org), each with an
// optional port. A name without a port means the web's ports (443, and 80 for plain http).
import { z } from "zod";

const HOST = /^(?=[a-z0-9.-]{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const registryHostSchema = z
  .string()
  .transform((text) => text.trim().toLowerCase())
  .refine((entry) => {
    const [host = "", port, ...rest] = entry.split(":");
    if (rest.length > 0 || !HOST.test(host) || /^[\d.]+$/.test(host)) return false;
    return port === undefined || (/^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) < 65536);
  }, "List registries by host name (registry.npmjs.org or pypi.org:443), not addresses or URLs.");

/** "registry.npmjs.org, pypi.org" (commas, spaces or lines) as a list of hosts; empty text: none. */
export const registryHostsInput = z
  .string()
  .max(600, "Keep the registries under 600 characters.")
  .optional()
  .transform((text) => (text ?? "").split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(registryHostSchema).max(10, "List at most 10 registries."))
  .transform((hosts) => [...new Set(hosts)]);

const WEB_PORTS = [443, 80];

/** Whether a CONNECT (or plain http) to host:port is one the list allows. */
export function registryAllows(hosts: readonly string[], host: string, port: number): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return hosts.some((entry) => {
    const [listed, listedPort] = entry.split(":");
    if (listed !== name) return false;
    return listedPort === undefined ? WEB_PORTS.includes(port) : Number(listedPort) === port;
  });
}
