const tokenKey = 'bst.token';

export function storedToken(): string {
  return localStorage.getItem(tokenKey)?.trim() ?? '';
}

export function storeToken(token: string): void {
  if (token.trim()) localStorage.setItem(tokenKey, token.trim());
  else localStorage.removeItem(tokenKey);
}

/** The Authorization header value, or undefined for an anonymous viewer. */
export function authorization(): string | undefined {
  const token = storedToken();
  if (!token) return undefined;
  return /^bearer\s/i.test(token) ? token : `Bearer ${token}`;
}
