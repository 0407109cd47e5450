"use client";
// The phone's live view of the agent's browser: frames stream in as server-sent events, and a tap
// on the image is mapped from the image's on-screen box to the page's CSS pixels, so it lands on
// what the person tapped whatever the phone's size. Typing goes through a plain text field.
import Link from "next/link";
import { useEffect, useRef, useState } from "react";

interface Frame {
  data: string;
  width: number;
  height: number;
  paintedAt: number;
}

type Input = { kind: "tap"; x: number; y: number } | { kind: "scroll"; x: number; y: number; dy: number } | { kind: "text"; text: string } | { kind: "key"; key: "Enter" | "Backspace" | "Tab" | "Escape" };

export function TakeoverView({ takeoverId, taskId, reason }: { takeoverId: string; taskId: string; reason: string }) {
  const [frame, setFrame] = useState<Frame | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [note, setNote] = useState("");
  const [handedBack, setHandedBack] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  // Input goes out one request at a time: parallel requests can overtake each other on the way to
  // the page, and three quick taps then "Verify" must land in the order they were made.
  const sending = useRef<Promise<void>>(Promise.resolve());
  const touchStart = useRef<{ x: number; y: number } | null>(null);

  useEffect(() => {
    if (handedBack) return;
    const source = new EventSource(`/api/takeovers/${takeoverId}/frames`);
    source.addEventListener("frame", (event) => {
      setFrame(JSON.parse((event as MessageEvent<string>).data) as Frame);
      setProblem(null);
    });
    // EventSource reconnects by itself, which is what a worker restart needs.
    source.onerror = () => setProblem("Reconnecting to the agent's browser…");
    return () => source.close();
  }, [takeoverId, handedBack]);

  function send(input: Input): Promise<void> {
    sending.current = sending.current.then(async () => {
      const response = await fetch(`/api/takeovers/${takeoverId}/input`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) }).catch(() => null);
      if (!response?.ok) setProblem("That did not reach the browser. Try again.");
    });
    return sending.current;
  }

  /** The page's CSS pixel under a point of the screen. */
  function pagePoint(clientX: number, clientY: number) {
    const box = image.current?.getBoundingClientRect();
    if (!box || !frame) return null;
    return { x: ((clientX - box.left) / box.width) * frame.width, y: ((clientY - box.top) / box.height) * frame.height };
  }

  async function handBack() {
    const response = await fetch(`/api/takeovers/${takeoverId}/hand-back`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(note.trim() ? { note: note.trim() } : {}) });
    if (response.ok) setHandedBack(true);
    else setProblem("Could not hand back: the takeover may have ended.");
  }

  if (handedBack) {
    return (
      <div className="mx-auto flex max-w-md flex-col gap-4 py-6 text-slate-900">
        <h1 className="text-xl font-semibold">Handed back</h1>
        <p className="text-slate-700">The agent goes on from the page as you left it.</p>
        <Link href={`/tasks/${taskId}`} className="inline-flex min-h-11 items-center font-medium text-indigo-700 hover:underline">
          Open the task
        </Link>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-3 text-slate-900">
      <header>
        <h1 className="text-lg font-semibold">You have the browser</h1>
        <p className="text-sm text-slate-700">{reason}</p>
      </header>
      <div className="relative overflow-hidden rounded border border-slate-300 bg-white">
        {frame ? (
          // eslint-disable-next-line @next/next/no-img-element -- a live JPEG frame, not an asset
          <img
            ref={image}
            src={`data:image/jpeg;base64,${frame.data}`}
            alt="The agent's browser, live"
            data-painted-at={frame.paintedAt}
            className="block h-auto w-full touch-none select-none"
            draggable={false}
            onClick={(event) => {
              const at = pagePoint(event.clientX, event.clientY);
              if (at) void send({ kind: "tap", ...at });
            }}
            onTouchStart={(event) => {
              const touch = event.touches[0];
              touchStart.current = touch ? { x: touch.clientX, y: touch.clientY } : null;
            }}
            onTouchEnd={(event) => {
              const start = touchStart.current;
              const touch = event.changedTouches[0];
              if (!start || !touch || Math.abs(touch.clientY - start.y) < 12) return;
              // A swipe scrolls; a tap arrives as the click above.
              event.preventDefault();
              const at = pagePoint(start.x, start.y);
              const box = image.current?.getBoundingClientRect();
              if (at && box && frame) void send({ kind: "scroll", ...at, dy: ((start.y - touch.clientY) / box.height) * frame.height });
            }}
          />
        ) : (
          <p className="p-6 text-center text-slate-600">Connecting to the agent&rsquo;s browser…</p>
        )}
      </div>
      {problem ? <p className="text-sm text-amber-800" role="status">{problem}</p> : null}
      <form
        className="flex gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          if (text) void send({ kind: "text", text }).then(() => setText(""));
        }}
      >
        <label className="sr-only" htmlFor="takeover-text">Type into the page</label>
        <input id="takeover-text" value={text} onChange={(event) => setText(event.target.value)} autoComplete="off" placeholder="Type into the page" className="min-h-11 flex-1 rounded border border-slate-300 bg-white px-3 text-base text-slate-900" />
        <button type="submit" className="min-h-11 rounded bg-slate-200 px-3 font-medium text-slate-900">Type</button>
      </form>
      <div className="flex gap-2">
        <button type="button" onClick={() => void send({ kind: "key", key: "Enter" })} className="min-h-11 flex-1 rounded bg-slate-200 px-3 text-slate-900">Enter</button>
        <button type="button" onClick={() => void send({ kind: "key", key: "Backspace" })} className="min-h-11 flex-1 rounded bg-slate-200 px-3 text-slate-900">Delete</button>
      </div>
      <label className="text-sm text-slate-700" htmlFor="takeover-note">Note for the agent (optional)</label>
      <textarea id="takeover-note" value={note} onChange={(event) => setNote(event.target.value)} maxLength={2000} rows={2} className="rounded border border-slate-300 bg-white p-2 text-base text-slate-900" />
      <button type="button" onClick={() => void handBack()} className="min-h-12 rounded bg-indigo-600 px-4 font-semibold text-white">Done, hand back</button>
    </div>
  );
}
