/** opencc-js ships its dictionaries as modules exporting one string, `from to|from to|…`, without types. */
declare module 'opencc-js/dict/*' {
  const dictionary: string;
  export default dictionary;
}
