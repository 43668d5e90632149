// Browser tests drive a real Chromium against the workbench.
jest.setTimeout(180_000);
