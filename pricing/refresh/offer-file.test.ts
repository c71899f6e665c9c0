import { describe, expect, it } from "vitest";
import { normaliseName, type OfferRow, parseCsvRecord, readCsvOffer, readJsonOffer } from "./offer-file.js";

async function* linesOf(text: string): AsyncIterable<string> {
  for (const line of text.split("\n")) yield line;
}

const HEAD = [
  '"FormatVersion","v1.0"',
  '"Disclaimer","This pricing list is for informational purposes only."',
  '"Publication Date","2025-12-01T17:45:12Z"',
  '"Version","20251201174512"',
  '"OfferCode","AmazonEC2"',
  '"SKU","OfferTermCode","RateCode","TermType","PriceDescription","EffectiveDate","StartingRange","EndingRange","Unit","PricePerUnit","Currency","Product Family","Instance Type","Pre Installed S/W"',
];

async function readCsv(rows: string[]): Promise<{ meta: Awaited<ReturnType<typeof readCsvOffer>>; rows: OfferRow[] }> {
  const out: OfferRow[] = [];
  const meta = await readCsvOffer(linesOf([...HEAD, ...rows].join("\n")), "test.csv", (row) => out.push(row));
  return { meta, rows: out };
}

describe("parseCsvRecord", () => {
  it("splits quoted fields, keeps commas and doubled quotes inside them, and empty unquoted fields", () => {
    expect(parseCsvRecord('"a,b","say ""hi""",,"",x')).toEqual(["a,b", 'say "hi"', "", "", "x"]);
  });
  it("says a record is unfinished when a quoted field is still open", () => {
    expect(parseCsvRecord('"one","two')).toBeUndefined();
  });
});

describe("readCsvOffer", () => {
  it("reads the metadata lines, the header and one row per price dimension with normalised attribute names", async () => {
    const { meta, rows } = await readCsv([
      '"SKU1","JRTCKXETXF","SKU1.JRTCKXETXF.6YS6EN2CT7","OnDemand","$0.012 per hour, with a comma","2025-12-01","0","Inf","Hrs","0.0120000000","USD","Compute Instance","t3.micro","NA"',
    ]);
    expect(meta).toEqual({ offerCode: "AmazonEC2", version: "20251201174512", publicationDate: "2025-12-01T17:45:12Z" });
    expect(rows).toEqual([
      {
        sku: "SKU1",
        termType: "OnDemand",
        productFamily: "Compute Instance",
        attributes: { instancetype: "t3.micro", preinstalledsw: "NA" },
        unit: "Hrs",
        price: 0.012,
        beginRange: 0,
        endRange: Number.POSITIVE_INFINITY,
      },
    ]);
  });

  it("joins a quoted field that spans lines and skips rows priced in another currency", async () => {
    const { rows } = await readCsv([
      '"SKU1","T","R","OnDemand","two',
      'lines","2025-12-01","0","Inf","Hrs","0.5","USD","Compute Instance","m5.large","NA"',
      '"SKU2","T","R","OnDemand","yuan","2025-12-01","0","Inf","Hrs","3.5","CNY","Compute Instance","m5.large","NA"',
    ]);
    expect(rows.map((row) => [row.sku, row.price])).toEqual([["SKU1", 0.5]]);
  });

  it("refuses a row with the wrong number of fields, a bad price, or a file with no header", async () => {
    await expect(readCsv(['"SKU1","T","R","OnDemand"'])).rejects.toThrow(/line 7 has 4 fields, the header 14/);
    await expect(readCsv(['"SKU1","T","R","OnDemand","d","2025-12-01","0","Inf","Hrs","free","USD","Compute Instance","t3.micro","NA"'])).rejects.toThrow(
      /SKU1 has price "free"/,
    );
    await expect(readCsvOffer(linesOf(HEAD.slice(0, 5).join("\n")), "x.csv", () => {})).rejects.toThrow(/no header row/);
  });

  it("refuses a file without its publication date", async () => {
    const lines = HEAD.filter((line) => !line.startsWith('"Publication Date"'));
    await expect(readCsvOffer(linesOf(lines.join("\n")), "x.csv", () => {})).rejects.toThrow(/no publicationDate/);
  });
});

describe("readJsonOffer", () => {
  const offer = {
    offerCode: "AmazonS3",
    version: "20251201000000",
    publicationDate: "2025-12-01T00:00:00Z",
    products: { S1: { sku: "S1", productFamily: "Storage", attributes: { usagetype: "EUC1-TimedStorage-ByteHrs", volumeType: "Standard" } } },
    terms: {
      OnDemand: {
        S1: {
          "S1.JRTCKXETXF": {
            priceDimensions: {
              a: { unit: "GB-Mo", beginRange: "0", endRange: "51200", pricePerUnit: { USD: "0.0245" } },
              b: { unit: "GB-Mo", beginRange: "51200", endRange: "Inf", pricePerUnit: { USD: "0.0235" } },
            },
          },
        },
      },
    },
  };

  it("joins each price dimension of each term to its product", () => {
    const rows: OfferRow[] = [];
    const meta = readJsonOffer(JSON.stringify(offer), "s3.json", (row) => rows.push(row));
    expect(meta.offerCode).toBe("AmazonS3");
    expect(rows.map((row) => [row.termType, row.productFamily, row.attributes.volumetype, row.beginRange, row.endRange, row.price])).toEqual([
      ["OnDemand", "Storage", "Standard", 0, 51200, 0.0245],
      ["OnDemand", "Storage", "Standard", 51200, Number.POSITIVE_INFINITY, 0.0235],
    ]);
  });

  it("refuses text that is not JSON and terms for SKUs that are not products", () => {
    expect(() => readJsonOffer("{", "x.json", () => {})).toThrow(/malformed offer file x.json: not JSON/);
    const orphan = { ...offer, products: {} };
    expect(() => readJsonOffer(JSON.stringify(orphan), "x.json", () => {})).toThrow(/SKU S1, which is not among the products/);
  });
});

describe("normaliseName", () => {
  it("gives the CSV column title and the JSON attribute the same key", () => {
    expect(normaliseName("Pre Installed S/W")).toBe(normaliseName("preInstalledSw"));
    expect(normaliseName("Volume API Name")).toBe(normaliseName("volumeApiName"));
    expect(normaliseName("usageType")).toBe("usagetype");
  });
});
