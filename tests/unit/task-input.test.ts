import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "@/lib/http/respond";
import { createTaskInput, listTasksQuery } from "@/lib/tasks/schemas";

describe("task input validation", () => {
  it("explains every missing field", () => {
    const result = createTaskInput.safeParse({});
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error!)).toEqual({ title: ["Give the task a title."], prompt: ["Tell Baton what to do."] });
  });

  it("trims text and treats an empty start time as none", () => {
    const parsed = createTaskInput.parse({ title: "  Brief ", prompt: " do it ", runAt: "" });
    expect(parsed).toMatchObject({ title: "Brief", prompt: "do it" });
    expect(parsed.runAt).toBeUndefined();
  });

  it("refuses a start time in the past or an unreadable one", () => {
    const past = createTaskInput.safeParse({ title: "a", prompt: "b", runAt: "2020-01-01T00:00:00Z" });
    expect(fieldErrorsOf(past.error!).runAt).toEqual(["Pick a start time in the future."]);
    const garbage = createTaskInput.safeParse({ title: "a", prompt: "b", runAt: "tomorrow-ish" });
    expect(fieldErrorsOf(garbage.error!).runAt?.[0]).toMatch(/Use a date and time/);
  });

  it("reads the browser's origins from the form's lines or the API's array: normalized, each once, at most 10", () => {
    const typed = createTaskInput.parse({ title: "a", prompt: "b", browserOrigins: " https://Portal.Example.com/\nhttp://10.0.0.5:8080\n\nhttps://portal.example.com " });
    expect(typed.browserOrigins).toEqual(["https://portal.example.com", "http://10.0.0.5:8080"]);
    expect(createTaskInput.parse({ title: "a", prompt: "b", browserOrigins: "" }).browserOrigins).toEqual([]);
    expect(createTaskInput.parse({ title: "a", prompt: "b" }).browserOrigins).toBeUndefined();
    const many = createTaskInput.safeParse({ title: "a", prompt: "b", browserOrigins: Array.from({ length: 11 }, (_, i) => `https://site${i}.example`) });
    expect(fieldErrorsOf(many.error!).browserOrigins).toEqual(["List at most 10 origins."]);
    const credentials = createTaskInput.safeParse({ title: "a", prompt: "b", browserOrigins: ["https://me:pw@portal.example.com"] });
    expect(fieldErrorsOf(credentials.error!).browserOrigins).toEqual(['"https://me:pw@portal.example.com": leave the sign-in out of the address (save it as a credential).']);
  });

  it("caps title length", () => {
    const result = createTaskInput.safeParse({ title: "x".repeat(201), prompt: "b" });
    expect(fieldErrorsOf(result.error!).title).toEqual(["Keep the title under 200 characters."]);
  });

  it("validates list filters", () => {
    expect(listTasksQuery.parse({})).toEqual({ limit: 20 });
    expect(listTasksQuery.safeParse({ status: "done" }).success).toBe(false);
    expect(listTasksQuery.safeParse({ cursor: "not-a-uuid" }).success).toBe(false);
    expect(listTasksQuery.safeParse({ limit: "500" }).success).toBe(false);
  });
});
