// Integration tests start a whole workbench: give them time on a loaded two-core machine.
jest.setTimeout(60_000);
