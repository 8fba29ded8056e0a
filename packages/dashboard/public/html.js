// Preact + htm: tagged templates instead of JSX, so the browser runs these files as they are.
// Every interpolated value becomes a text node or an attribute value; nothing from a service
// is ever parsed as HTML (no dangerouslySetInnerHTML anywhere).
import htm from '/vendor/htm.js';
import { h, render } from '/vendor/preact.js';

export const html = htm.bind(h);
export { render };
export { useEffect, useRef, useState } from '/vendor/hooks.js';
