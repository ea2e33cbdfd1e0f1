// placeholder
export function codeActions(): null { return null; }
