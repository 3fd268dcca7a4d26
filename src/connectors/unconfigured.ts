import { type Connector, ConnectorError, type ConnectorRegistry } from './port.js';

/** Stands in for a connector whose settings are missing: every call fails, saying what to set. */
export function unconfiguredConnector(what: string): Connector {
  const fail = async () => {
    throw new ConnectorError(
      `${what} is not configured, so this resource can't be changed yet.`,
      false,
      'not_configured',
    );
  };
  return { grant: fail, revoke: fail };
}

export function unconfiguredRegistry(): ConnectorRegistry {
  const slack = unconfiguredConnector('The Slack connection (SLACK_BOT_TOKEN)');
  return {
    slack_usergroup: slack,
    slack_channel: slack,
    webhook: unconfiguredConnector('The webhook connector'),
  };
}
