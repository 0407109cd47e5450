/**
 * One tab of the navigation. Below lg it is a tab of the bar fixed to the bottom of the screen
 * (icon over word, a full quarter of the width to tap); from lg the same link sits in the top bar.
 */
export const tabClass =
  "relative flex min-h-14 w-full flex-col items-center justify-center gap-0.5 px-1 text-xs font-medium text-slate-600 hover:text-indigo-700 aria-[current=page]:text-indigo-700 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 lg:min-h-11 lg:w-auto lg:flex-row lg:gap-1.5 lg:rounded-full lg:px-2.5 lg:text-sm lg:whitespace-nowrap xl:px-3 lg:text-slate-700 lg:hover:bg-slate-100 lg:aria-[current=page]:bg-indigo-50 lg:aria-[current=page]:text-indigo-700";
