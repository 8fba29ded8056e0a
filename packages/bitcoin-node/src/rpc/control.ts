import type { RpcContext, RpcMethod } from './context.ts';
import { RpcError, RpcErrorCode } from './errors.ts';
import { btc, helpText, type MethodSpec } from './params.ts';

/** keel's version in Core's CLIENT_VERSION form (major·10000 + minor·100 + patch). */
export const CLIENT_VERSION = 100;

const SERVICE_NAMES: Array<[bigint, string]> = [
  [1n, 'NETWORK'],
  [1n << 2n, 'BLOOM'],
  [1n << 3n, 'WITNESS'],
  [1n << 6n, 'COMPACT_FILTERS'],
  [1n << 10n, 'NETWORK_LIMITED'],
  [1n << 11n, 'P2P_V2'],
];

export function serviceNames(s: bigint): string[] {
  return SERVICE_NAMES.filter(([bit]) => (s & bit) !== 0n).map(([, n]) => n);
}

function noP2P(): never {
  throw new RpcError(
    RpcErrorCode.CLIENT_P2P_DISABLED,
    'Error: Peer-to-peer functionality missing or disabled',
  );
}

export const networkMethods: RpcMethod[] = [
  {
    spec: {
      name: 'getpeerinfo',
      category: 'Network',
      description: 'Returns data about each connected network peer as a json array of objects.',
      args: [],
      result:
        '[ { "id", "addr", "services", "version", "subver", "inbound", ..., "txreconciliation": { "negotiated", "role", "local_salt", "remote_salt", "set_size", "q", "reconciliations", "reconciliations_failed", "reconciliations_extended", "sketch_bytes_sent", "sketch_bytes_recv" } (with --erlay) }, ... ]',
    },
    run: (_a, ctx) => ctx.net?.peers() ?? [],
  },
  {
    spec: {
      name: 'getconnectioncount',
      category: 'Network',
      description: 'Returns the number of connections to other nodes.',
      args: [],
      result: 'n (numeric) The connection count',
    },
    run: (_a, ctx) => {
      const c = ctx.net?.connectionCount() ?? { inbound: 0, outbound: 0 };
      return c.inbound + c.outbound;
    },
  },
  {
    spec: {
      name: 'getnetworkinfo',
      category: 'Network',
      description: 'Returns an object containing various state info regarding P2P networking.',
      args: [],
      result: '{ "version", "subversion", "protocolversion", "localservices", "connections", ... }',
    },
    run: (_a, ctx) => {
      const c = ctx.net?.connectionCount() ?? { inbound: 0, outbound: 0 };
      const services = ctx.net?.localServices() ?? 0n;
      return {
        version: CLIENT_VERSION,
        subversion: ctx.net?.subversion ?? '/keel:0.1.0/',
        protocolversion: 70016,
        localservices: services.toString(16).padStart(16, '0'),
        localservicesnames: serviceNames(services),
        localrelay: true,
        timeoffset: 0,
        networkactive: ctx.net !== undefined,
        connections: c.inbound + c.outbound,
        connections_in: c.inbound,
        connections_out: c.outbound,
        networks: ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'].map((name) => ({
          name,
          limited: name !== 'ipv4' && name !== 'ipv6',
          reachable: name === 'ipv4' || name === 'ipv6',
          proxy: '',
          proxy_randomize_credentials: false,
        })),
        relayfee: btc(1000),
        incrementalfee: btc(1000),
        localaddresses: [],
        warnings: [],
      };
    },
  },
  {
    spec: {
      name: 'addnode',
      category: 'Network',
      description:
        'Attempts to add or remove a node from the addnode list, or try a connection to a node once.',
      args: [
        { name: 'node', type: 'str', description: 'The address of the peer to connect to' },
        {
          name: 'command',
          type: 'str',
          description:
            "'add' to add a node to the list, 'remove' to remove a node from the list, 'onetry' to try a connection to the node once",
        },
        {
          name: 'v2transport',
          type: 'bool',
          optional: true,
          description:
            "Attempt to connect using BIP324 v2 transport protocol (ignored for 'remove' command)",
        },
      ],
      result: 'null',
    },
    run: async ([node, command], ctx) => {
      if (command !== 'add' && command !== 'remove' && command !== 'onetry') {
        throw new RpcError(RpcErrorCode.MISC_ERROR, helpText(networkMethods[3]!.spec));
      }
      if (!ctx.net) noP2P();
      await ctx.net.addNode(String(node), command);
      return null;
    },
  },
  {
    spec: {
      name: 'disconnectnode',
      category: 'Network',
      description:
        'Immediately disconnects from the specified peer node. Give either the address or the nodeid.',
      args: [
        {
          name: 'address',
          type: 'str',
          optional: true,
          description: 'The IP address/port of the node',
        },
        {
          name: 'nodeid',
          type: 'num',
          optional: true,
          description: 'The node ID (see getpeerinfo for node IDs)',
        },
      ],
      result: 'null',
    },
    run: ([address, nodeid], ctx) => {
      if (!ctx.net) noP2P();
      const hasAddr = typeof address === 'string' && address !== '';
      const hasId = typeof nodeid === 'number';
      if (hasAddr === hasId) {
        throw new RpcError(
          RpcErrorCode.INVALID_PARAMS,
          'Only one of address and nodeid should be provided.',
        );
      }
      const ok = ctx.net.disconnect(
        hasAddr ? { address: address as string } : { id: nodeid as number },
      );
      if (!ok)
        throw new RpcError(
          RpcErrorCode.CLIENT_NODE_NOT_CONNECTED,
          'Node not found in connected nodes',
        );
      return null;
    },
  },
];

export function controlMethods(all: () => readonly RpcMethod[]): RpcMethod[] {
  return [
    {
      spec: {
        name: 'help',
        category: 'Control',
        description: 'List all commands, or get help for a specified command.',
        args: [
          {
            name: 'command',
            type: 'str',
            optional: true,
            description: 'The command to get help on',
          },
        ],
        result: '"text" (string) The help text',
      },
      run: ([command]) => {
        const methods = all();
        if (typeof command === 'string') {
          const m = methods.find((x) => x.spec.name === command);
          return m ? helpText(m.spec) : `help: unknown command: ${command}`;
        }
        const groups = new Map<string, MethodSpec[]>();
        for (const m of methods) {
          const g = groups.get(m.spec.category) ?? [];
          g.push(m.spec);
          groups.set(m.spec.category, g);
        }
        return [...groups.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(
            ([cat, specs]) =>
              `== ${cat} ==\n${specs
                .sort((a, b) => a.name.localeCompare(b.name))
                .map(
                  (s) =>
                    `${s.name}${s.args.map((a) => (a.optional ? ` ( ${a.name} )` : ` "${a.name}"`)).join('')}`,
                )
                .join('\n')}`,
          )
          .join('\n\n');
      },
    },
    {
      spec: {
        name: 'uptime',
        category: 'Control',
        description: 'Returns the total uptime of the server.',
        args: [],
        result: 'n (numeric) The number of seconds that the server has been running',
      },
      run: (_a, ctx: RpcContext) => Math.floor((ctx.now() - ctx.startedAt) / 1000),
    },
    {
      spec: {
        name: 'stop',
        category: 'Control',
        description: 'Request a graceful shutdown of keel.',
        args: [],
        result: '"str" A string with the content \'keel stopping\'',
      },
      run: (_a, ctx: RpcContext) => {
        // answer first, then shut down (Core does the same)
        ctx.stop();
        return 'keel stopping';
      },
    },
  ];
}
