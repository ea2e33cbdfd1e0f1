// placeholder
export function completion(): null { return null; }
