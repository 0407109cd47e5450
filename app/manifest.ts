import type { MetadataRoute } from "next";

// GET /manifest.webmanifest - what makes Baton installable. The colours are the app's own:
// theme_color is viewport.themeColor in app/layout.tsx (indigo-900, the wordmark), and
// background_color is the page background (slate-50), shown on the splash screen.
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "Baton",
    short_name: "Baton",
    description: "Hand Baton a task; an agent works on it in the background and brings back the result.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    theme_color: "#312e81",
    background_color: "#f8fafc",
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      // Full-bleed, the mark inside the central 80% circle, for launchers that crop to their own shape.
      { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
