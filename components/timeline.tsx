import { LocalTime } from "@/components/local-time";
import type { EventView } from "@/lib/tasks/views";

const actorLabels: Record<string, string> = { user: "You", agent: "Agent", system: "Baton" };

export function Timeline({ events }: { events: EventView[] }) {
  return (
    <ol className="relative space-y-3 border-l border-slate-200 pl-4" data-testid="timeline">
      {events.map((event) => (
        <li key={event.id} className="relative">
          <span aria-hidden className="absolute top-1.5 -left-[21px] h-2.5 w-2.5 rounded-full border-2 border-white bg-indigo-400" />
          <p dir="auto" className="text-sm break-words text-slate-800">
            {event.message}
          </p>
          {event.result && (
            <details className="mt-1 text-xs text-slate-600">
              <summary className="flex min-h-11 cursor-pointer items-center">Result</summary>
              <pre className="mt-1 max-h-64 overflow-auto rounded-lg bg-slate-50 p-2 break-words whitespace-pre-wrap" data-testid="tool-result">
                {readable(event.result)}
              </pre>
            </details>
          )}
          {event.screenshot && (
            // Tap the thumbnail to see the page at full width. The thumbnail's box is the browser's
            // 1280x800 shape before the picture loads, so nothing moves under a finger.
            <details className="mt-1">
              <summary className="cursor-pointer list-none">
                {/* eslint-disable-next-line @next/next/no-img-element -- an artifact behind the owner's session, not a static asset */}
                <img src={event.screenshot.url} alt={`Screenshot ${event.screenshot.name}`} loading="lazy" className="aspect-[16/10] h-24 rounded border border-slate-200 object-contain object-left-top" />
              </summary>
              {/* eslint-disable-next-line @next/next/no-img-element -- as above */}
              <img src={event.screenshot.url} alt={`Screenshot ${event.screenshot.name}, full size`} loading="lazy" className="mt-1 w-full rounded border border-slate-200" />
            </details>
          )}
          <p className="text-xs text-slate-500">
            {actorLabels[event.actor] ?? event.actor} · <LocalTime iso={event.createdAt} format="time" />
          </p>
        </li>
      ))}
    </ol>
  );
}

/** JSON pretty-printed when it is whole (a long result's preview is cut, and shown as it is). */
function readable(result: string): string {
  try {
    return JSON.stringify(JSON.parse(result), null, 2);
  } catch {
    return result;
  }
}
