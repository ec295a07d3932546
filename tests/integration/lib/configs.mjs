// Gateway configurations shared by the integration tests, pointed at a fake upstream.

/** Azure (Claude deployments behind aliases, as in the seed article) plus Anthropic as a second provider. */
export function azureAndAnthropic(upUrl, extra = {}) {
  return {
    providers: {
      azure: {
        keys: [
          {
            name: 'azure-api-key',
            value: 'env.TEST_AZURE_API_KEY',
            models: ['*'],
            weight: 1.0,
            aliases: {
              'claude-sonnet-4-6': 'my-claude-sonnet-deployment',
              'claude-haiku-4-5': 'my-claude-haiku-deployment',
              'gpt-4o': 'my-gpt4o-deployment',
              'prod-sonnet': { model_id: 'prod-sonnet', model_family: 'claude' },
            },
            azure_key_config: { endpoint: 'env.TEST_AZURE_ENDPOINT', api_version: '2024-10-21' },
          },
        ],
        network_config: { default_request_timeout_in_seconds: 5, stream_idle_timeout_in_seconds: 2, ...(extra.azureNetwork || {}) },
      },
      anthropic: {
        keys: [{ name: 'anthropic-key', value: 'sk-ant-fake', models: ['*'] }],
        network_config: { base_url: upUrl, ...(extra.anthropicNetwork || {}) },
      },
    },
    ...(extra.top || {}),
  };
}

export function azureEnv(upUrl) {
  return { TEST_AZURE_API_KEY: 'azure-fake-key', TEST_AZURE_ENDPOINT: upUrl };
}
