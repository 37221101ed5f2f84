// htm bound to preact's h: tagged templates instead of JSX, so the browser code needs no JSX transform.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
