// Measures what a finger can tap. Every visible link, button, submit, select, details toggle and
// label that wraps a control must be at least 44x44 CSS pixels (Apple's and WCAG 2.5.5's size).
import { expect, type Page } from "@playwright/test";

export const MIN_TAP_PX = 44;

/** "button \"Deny\" 60x36" for each control under the minimum, in document order. */
export async function smallTapTargets(page: Page, min = MIN_TAP_PX): Promise<string[]> {
  return page.evaluate((min) => {
    const selector = "a[href], button, input[type=submit], input[type=button], select, summary, label:has(input, select, textarea)";
    const offenders: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      // Links inside a rendered result are words in its running text, not controls of the app.
      if (element.closest(".artifact-markdown")) continue;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (style.visibility === "hidden" || style.display === "none" || box.width === 0 || box.height === 0) continue;
      // A control inside a label is measured as the label.
      if (element.matches("input, select") && element.closest("label")) continue;
      // Rounding: a 43.99 px box is a 44 px box on screen.
      if (Math.round(box.width) >= min && Math.round(box.height) >= min) continue;
      const name = (element.getAttribute("aria-label") ?? element.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
      offenders.push(`${element.tagName.toLowerCase()} "${name}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
    return offenders;
  }, min);
}

export async function expectTapTargets(page: Page, where = page.url()): Promise<void> {
  expect(await smallTapTargets(page), `tap targets under ${MIN_TAP_PX} px on ${where}`).toEqual([]);
}
