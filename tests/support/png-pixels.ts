// The decoder lives with computer use (its stale-click guard compares frames); tests read pixels through it.
export { decodePng, type Pixels } from "@/lib/computer-use/png-pixels";
