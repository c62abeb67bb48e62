// The one rule for where the store lives: --store, else $REFGET_STORE, else ./data/store.
export const DEFAULT_STORE = './data/store';
export const storeDirFrom = (flag: string | undefined): string => flag ?? process.env.REFGET_STORE ?? DEFAULT_STORE;
