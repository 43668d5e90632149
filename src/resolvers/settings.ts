/** The project settings page's resolver: load, save (versioned), reset. Admins only for changes. */
import Resolver from '@forge/resolver';
import {
  SETTINGS_RESOLVERS,
  loadSettingsPayloadSchema,
  resetSettingsPayloadSchema,
  saveSettingsPayloadSchema,
  listTokensPayloadSchema,
  createTokenPayloadSchema,
  tokenIdPayloadSchema,
} from '../contract/settings';
import {
  CALIBRATION_RESOLVERS,
  applyCalibrationPayloadSchema,
  calibrationStatePayloadSchema,
  saveMappingPayloadSchema,
  startCalibrationPayloadSchema,
} from '../contract/calibration';
import {
  applyCalibration,
  calibrationView,
  saveResolutionMapping,
  startCalibration,
} from '../services/calibration';
import { loadTokens, makeToken, newSecretFor, remove, revoke } from '../services/measurement-tokens';
import type { Clock } from '../services/outcome-map';
import { loadProjectSettings, resetProjectSettings, saveProjectSettings } from '../services/project-settings';
import { defineEndpoint, resolverHandler } from './endpoint';

export function createSettingsResolver(clock: Clock = { now: () => new Date() }): Resolver {
  const resolver = new Resolver();
  defineEndpoint(resolver, SETTINGS_RESOLVERS.load, loadSettingsPayloadSchema, (_p, call) =>
    loadProjectSettings(call),
  );
  defineEndpoint(resolver, SETTINGS_RESOLVERS.save, saveSettingsPayloadSchema, (p, call) =>
    saveProjectSettings(call, p, clock),
  );
  defineEndpoint(resolver, SETTINGS_RESOLVERS.reset, resetSettingsPayloadSchema, (p, call) =>
    resetProjectSettings(call, p, clock),
  );
  defineEndpoint(resolver, CALIBRATION_RESOLVERS.state, calibrationStatePayloadSchema, (_p, call) =>
    calibrationView(call, clock),
  );
  defineEndpoint(resolver, CALIBRATION_RESOLVERS.start, startCalibrationPayloadSchema, (_p, call) =>
    startCalibration(call, clock),
  );
  defineEndpoint(resolver, CALIBRATION_RESOLVERS.saveMapping, saveMappingPayloadSchema, (p, call) =>
    saveResolutionMapping(call, p, clock),
  );
  defineEndpoint(resolver, CALIBRATION_RESOLVERS.apply, applyCalibrationPayloadSchema, (p, call) =>
    applyCalibration(call, p, clock),
  );
  defineEndpoint(resolver, SETTINGS_RESOLVERS.listTokens, listTokensPayloadSchema, (_p, call) =>
    loadTokens(call),
  );
  defineEndpoint(resolver, SETTINGS_RESOLVERS.createToken, createTokenPayloadSchema, (p, call) =>
    makeToken(call, p, clock),
  );
  defineEndpoint(resolver, SETTINGS_RESOLVERS.rotateToken, tokenIdPayloadSchema, (p, call) =>
    newSecretFor(call, p.id, clock),
  );
  defineEndpoint(resolver, SETTINGS_RESOLVERS.revokeToken, tokenIdPayloadSchema, (p, call) =>
    revoke(call, p.id, clock),
  );
  defineEndpoint(resolver, SETTINGS_RESOLVERS.deleteToken, tokenIdPayloadSchema, (p, call) =>
    remove(call, p.id),
  );
  return resolver;
}

export const settingsHandler = resolverHandler(createSettingsResolver());
