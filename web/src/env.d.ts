// Vite's asset imports, typed for tsc (which does not load vite/client).
declare module '*?url' {
  const url: string;
  export default url;
}
