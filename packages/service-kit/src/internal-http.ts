/**
 * The internal HTTP client every service client uses: a keep-alive undici
 * pool per target, with unreachable targets mapped to ServiceUnavailable.
 */
import { Pool, type Dispatcher } from 'undici';
import { S3Error } from '@vaultx/s3-protocol';

export type InternalRequest = Omit<Dispatcher.RequestOptions, 'origin'>;

export class InternalHttp {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    private readonly service: string,
  ) {
    this.pool = new Pool(baseUrl, {
      connections: 128,
      keepAliveTimeout: 30_000,
      headersTimeout: 60_000,
      bodyTimeout: 120_000,
    });
  }

  async request(opts: InternalRequest): Promise<Dispatcher.ResponseData> {
    try {
      return await this.pool.request(opts);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EPIPE') {
        throw new S3Error('ServiceUnavailable', `${this.service} is unavailable (${code})`);
      }
      throw e;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
