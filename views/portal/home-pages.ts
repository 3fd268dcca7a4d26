import { z } from 'zod';

/** The Home tab's sections that page, and how many items each shows at once. */
export const HOME_SECTIONS = ['catalog', 'access', 'requests', 'reviews', 'manage'] as const;
export type HomeSection = (typeof HOME_SECTIONS)[number];

export const HOME_PAGE_SIZE: Record<HomeSection, number> = {
  catalog: 8,
  access: 8,
  requests: 6,
  reviews: 6,
  manage: 6,
};

export type HomePages = Partial<Record<HomeSection, number>>;

const pageNumber = z.number().int().min(0).max(10_000);
export const homePagesSchema = z
  .object(
    Object.fromEntries(HOME_SECTIONS.map((s) => [s, pageNumber.optional()])) as Record<
      HomeSection,
      z.ZodOptional<typeof pageNumber>
    >,
  )
  .partial();

/** The Home view's private_metadata: which page each section shows, and the hash of what it shows. */
export const homeMetadataSchema = z.object({
  pages: homePagesSchema.default({}),
  hash: z.string().max(64).optional(),
});
export type HomeMetadata = z.infer<typeof homeMetadataSchema>;

/** The "More" button's value: `access:2`. */
export const homePageValueSchema = z
  .string()
  .regex(/^[a-z]+:\d{1,5}$/)
  .transform((value) => {
    const [section, page] = value.split(':') as [string, string];
    return { section, page: Number(page) };
  })
  .pipe(z.object({ section: z.enum(HOME_SECTIONS), page: pageNumber }));

export function homePageValue(section: HomeSection, page: number): string {
  return `${section}:${page}`;
}

export interface Page<T> {
  shown: T[];
  /** 0-based, clamped to the last page. */
  page: number;
  first: number;
  last: number;
  total: number;
  hasMore: boolean;
}

export function pageOf<T>(items: readonly T[], page: number | undefined, size: number): Page<T> {
  const lastPage = Math.max(0, Math.ceil(items.length / size) - 1);
  const current = Math.min(Math.max(0, page ?? 0), lastPage);
  const shown = items.slice(current * size, current * size + size);
  return {
    shown,
    page: current,
    first: current * size + 1,
    last: current * size + shown.length,
    total: items.length,
    hasMore: current < lastPage,
  };
}
