// A whole collection as files people use: GET /collection/{digest}/fasta (every member as FASTA,
// `>name` and the bases 60 to a line, streamed member by member with a Content-Length known up
// front), /fasta.fai (its samtools faidx index, so the download can be indexed without reading
// it) and /chrom.sizes (name and length per line). Members are read in keyset pages, so a
// million-member collection streams in bounded memory like one chromosome does.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../errors.js';
import type { CollectionMemberRow } from '../../store/collection-index.js';
import type { BlockReader, SequenceStore } from '../../store/sequence-store.js';
import { visibleCollection } from '../access.js';
import { FASTA_LINE, FastaBlockReader, fastaLength, MIN_FASTA_BLOCK } from '../fasta-format.js';
import { sendBlocks } from '../send-blocks.js';
import { ErrorResponse } from '../schemas.js';

/** Members read per keyset page. */
const MEMBER_PAGE = 1024;

export async function collectionDownloadRoutes(app: FastifyInstance): Promise<void> {
  const params = {
    type: 'object',
    properties: { digest: { type: 'string', description: 'seqcol level-0 digest' } },
    required: ['digest'],
  } as const;
  const schema = (summary: string, type: string) => ({
    summary,
    tags: ['seqcol'],
    params,
    response: { 200: { description: summary, content: { [type]: { schema: { type: 'string' } } } }, 404: ErrorResponse },
  });

  app.get<{ Params: { digest: string } }>(
    '/collection/:digest/fasta',
    { exposeHeadRoute: false, schema: schema('The whole collection as FASTA (60 bases per line)', 'text/x-fasta') },
    async (request, reply) => {
      const { store } = request.server;
      const collection = visibleCollection(store, request.params.digest, request.viewer);
      reply
        .type('text/x-fasta; charset=us-ascii')
        .header('content-length', store.collections.fastaBytes(collection.id))
        .header('content-disposition', `attachment; filename="${collection.digest}.fa"`);
      await sendBlocks(reply, new CollectionFastaReader(store, collection.id));
      return reply;
    },
  );

  app.get<{ Params: { digest: string } }>(
    '/collection/:digest/fasta.fai',
    { schema: schema('samtools faidx index of GET /collection/{digest}/fasta', 'text/plain') },
    async (request, reply) => {
      const { store } = request.server;
      const collection = visibleCollection(store, request.params.digest, request.viewer);
      let offset = 0;
      // name, length, offset of the first base, bases per line, bytes per line (a sequence of one
      // line has that line's length, as samtools faidx writes it)
      const lines = memberLines(store, collection.id, (m) => {
        const first = offset + m.name.length + 2;
        offset = first + fastaLength(m.length);
        const perLine = Math.min(m.length, FASTA_LINE);
        return `${m.name}\t${m.length}\t${first}\t${perLine}\t${perLine + 1}\n`;
      });
      return text(reply, `${collection.digest}.fa.fai`, lines);
    },
  );

  app.get<{ Params: { digest: string } }>(
    '/collection/:digest/chrom.sizes',
    { schema: schema('Name and length of each member, one per line', 'text/plain') },
    async (request, reply) => {
      const { store } = request.server;
      const collection = visibleCollection(store, request.params.digest, request.viewer);
      return text(
        reply,
        `${collection.digest}.chrom.sizes`,
        memberLines(store, collection.id, (m) => `${m.name}\t${m.length}\n`),
      );
    },
  );
}

function text(reply: FastifyReply, filename: string, lines: Iterable<string>): FastifyReply {
  return reply
    .type('text/plain; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(Readable.from(lines));
}

/** One text chunk per keyset page of members. */
function* memberLines(store: SequenceStore, collectionId: number, line: (m: CollectionMemberRow) => string): Generator<string> {
  for (let after = -1; ;) {
    const page = store.collections.membersAfter(collectionId, after, MEMBER_PAGE);
    if (page.length === 0) return;
    yield page.map(line).join('');
    after = page[page.length - 1]!.position;
  }
}

/** The collection's FASTA as blocks: each member's header and wrapped bases, several per block. */
class CollectionFastaReader implements BlockReader {
  private readonly store: SequenceStore;
  private readonly collectionId: number;
  private after = -1;
  private page: CollectionMemberRow[] = [];
  private current: BlockReader | undefined;

  constructor(store: SequenceStore, collectionId: number) {
    this.store = store;
    this.collectionId = collectionId;
  }

  async read(target: Buffer): Promise<number> {
    let o = 0;
    while (target.length - o >= MIN_FASTA_BLOCK) {
      if (this.current === undefined) {
        const member = this.nextMember();
        if (member === undefined) break;
        const [record] = this.store.lookup({ kind: 'ga4gh', digest: member.ga4gh });
        if (record === undefined)
          throw new AppError('CORRUPT_STORE', `member ${member.name} of a collection has no sequence row`);
        this.current = new FastaBlockReader(`>${member.name}\n`, this.store.blockReader(record, 0, record.length));
      }
      const n = await this.current.read(target.subarray(o));
      if (n === 0) this.current = undefined;
      o += n;
    }
    return o;
  }

  private nextMember(): CollectionMemberRow | undefined {
    if (this.page.length === 0) {
      this.page = this.store.collections.membersAfter(this.collectionId, this.after, MEMBER_PAGE).reverse();
      if (this.page.length === 0) return undefined;
    }
    const member = this.page.pop()!;
    this.after = member.position;
    return member;
  }
}
