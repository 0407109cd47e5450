// The one-tap examples an empty inbox offers: each shows one path through the product (tools and
// an artifact, a CSV, an approval). Their prompts name the demo sources, so a real model can do
// them as well as the demo model.
import { demoSources, type DemoSources } from "./demo-origin";

export interface ExampleTask {
  id: string;
  title: string;
  /** What a tap shows, in a line. */
  shows: string;
  prompt: string;
}

export function exampleTasks(sources: DemoSources = demoSources()): ExampleTask[] {
  return [
    {
      id: "morning-brief",
      title: "Morning brief",
      shows: "Reads a news feed and today's calendar, writes brief.md",
      prompt: `Write my morning brief as brief.md: the news from ${sources.feedUrl} and today's events from the calendar at ${sources.calendarUrl}.`,
    },
    {
      id: "weekly-metrics",
      title: "Weekly metrics as CSV",
      shows: "Fetches JSON metrics, saves metrics.csv with a summary",
      prompt: `Fetch this week's metrics from ${sources.metricsUrl}, save them as metrics.csv and summarize the biggest changes.`,
    },
    {
      id: "post-note",
      title: "Post a note (asks you first)",
      shows: "Wants to send something: you approve or deny it",
      prompt: `Post "Stand-up moves to 10:00 today" to the team channel at ${sources.sinkUrl}.`,
    },
  ];
}

export function findExampleTask(id: string): ExampleTask | undefined {
  return exampleTasks().find((example) => example.id === id);
}
