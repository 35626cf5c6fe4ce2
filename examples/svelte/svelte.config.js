// TypeScript in <script lang="ts"> is handled by Svelte 5 itself; no preprocessor needed.
export default {};
