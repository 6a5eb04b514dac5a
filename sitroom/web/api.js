// The JSON API, and the write token kept in this browser's localStorage.

const TOKEN_KEY = "sitroom.token";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY) || "",
  set(value) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

export function url(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function answer(response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return body;
}

export async function getJSON(path, params) {
  return answer(await fetch(url(path, params), { headers: { Accept: "application/json" } }));
}

export async function postJSON(path, body) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const secret = token.get();
  if (secret) headers.Authorization = `Bearer ${secret}`;
  return answer(await fetch(path, { method: "POST", headers, body: JSON.stringify(body) }));
}

export async function whoami(secret) {
  const response = await fetch("/api/whoami", { headers: { Authorization: `Bearer ${secret}` } });
  return answer(response);
}
