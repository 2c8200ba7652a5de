/// The worker side of a review: streams the file through the engine's BatchReview (the same
/// object `loanlens evaluate`, `monitor` and `fairness` use), slice by slice; the engine keeps a
/// few bytes per row, the page gets the reports.
import type { LoanLensModule } from '../wasm/loanlens.mjs';
import type { Api, Kind } from './protocol';

type Req = Api[typeof Kind.Review]['req'];
type Res = Api[typeof Kind.Review]['res'];

export async function runReview(m: LoanLensModule, req: Req, step: number, parse: <T>(text: string) => T): Promise<Res> {
  const options = { attribute: req.attribute ?? '', replicates: req.replicates ?? 1000, seed: req.seed ?? 7 };
  const { id } = parse<{ id: number }>(m.reviewOpen(req.handle, JSON.stringify(options), req.sourceName));
  const decoder = new TextDecoder('utf-8');
  let finished = false;
  try {
    for (let offset = 0; offset < req.file.size; offset += step) {
      const bytes = await req.file.slice(offset, offset + step).arrayBuffer();
      parse(m.reviewFeed(id, decoder.decode(bytes, { stream: true })));
    }
    const tail = decoder.decode();
    if (tail) parse(m.reviewFeed(id, tail));
    finished = true;
    return parse<Res>(m.reviewFinish(id));
  } finally {
    if (!finished) m.reviewClose(id);
  }
}
