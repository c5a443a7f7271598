// Makes the ESC/POS streams in this folder with three ESC/POS encoders from
// the npm registry (versions in package.json). See README.md.
const fs = require('fs');
const path = require('path');
const out = process.argv[2] || '.';

// A 96×48 test picture: a black frame with a checker block, as RGBA.
function picture(w, h) {
  const data = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const frame = x < 4 || y < 4 || x >= w - 4 || y >= h - 4;
    const check = x >= 16 && x < 48 && y >= 12 && y < 36 && ((x >> 3) + (y >> 3)) % 2 === 0;
    if (frame || check) { const i = (y * w + x) * 4; data[i] = data[i + 1] = data[i + 2] = 0; }
  }
  return { data, width: w, height: h };
}

function receiptPrinterEncoder() {
  const ReceiptPrinterEncoder = require('@point-of-sale/receipt-printer-encoder');
  const e = new ReceiptPrinterEncoder({ printerModel: 'epson-tm-t88vi', columns: 42 });
  const img = picture(96, 48);
  return e.initialize()
    .codepage('auto')
    .align('center').size(2, 2).line('Bürgerbüro').size(1, 1)
    .line('Größe – Straße')
    .codepage('cp858').line('Gebühr: 3 €')
    .align('left')
    .bold(true).line('Fett').bold(false)
    .underline(true).line('Unterstrichen').underline(false)
    .invert(true).line('Invertiert').invert(false)
    .font('B').line('Schrift B').font('A')
    .rule()
    .table([{ width: 20 }, { width: 20, align: 'right' }], [['Wartenummer', 'A-017'], ['Termin', '14:30']])
    .barcode('4006381333931', 'ean13', { height: 60, text: true })
    .barcode('LOTSE-42', 'code128', { height: 60, text: true })
    .barcode('LOTSE42', 'code39', { height: 60, text: true })
    .qrcode('https://lotse.example/w/A017', { model: 2, size: 6, errorlevel: 'm' })
    .pdf417('Lotse PDF417')
    .image(img, 96, 48, 'threshold')
    .pulse()
    .cut('partial')
    .encode();
}

// The example in the package's README, as shipped.
function receiptPrinterEncoderReadme() {
  const ReceiptPrinterEncoder = require('@point-of-sale/receipt-printer-encoder');
  let encoder = new ReceiptPrinterEncoder();
  return encoder
    .line('The is the first line')
    .line('And this is the second')
    .encode();
}

function receiptPrinterEncoderRaster() {
  const ReceiptPrinterEncoder = require('@point-of-sale/receipt-printer-encoder');
  const e = new ReceiptPrinterEncoder({ printerModel: 'epson-tm-t20iii', imageMode: 'raster' });
  return e.initialize().codepage('cp858').line('Raster: Gebühr 5 €').image(picture(96, 48), 96, 48, 'threshold').cut().encode();
}

function escPosEncoder() {
  const EscPosEncoder = require('esc-pos-encoder');
  const e = new EscPosEncoder();
  return e.initialize()
    .codepage('cp858')
    .align('center').width(2).height(2).line('Einwohneramt').width(1).height(1)
    .line('Größe: 3 € – Straße')
    .align('left')
    .bold(true).line('Fett').bold(false)
    .italic(true).line('Kursiv').italic(false)
    .underline(true).line('Unterstrichen').underline(false)
    .invert(true).line('Invertiert').invert(false)
    .barcode('4006381333931', 'ean13', 60)
    .barcode('{BLOTSE-42', 'code128', 60)
    .qrcode('https://lotse.example/w/B002', 2, 6, 'm')
    .newline()
    .cut('full')
    .encode();
}

async function thermalPrinter() {
  const { ThermalPrinter, PrinterTypes, CharacterSet } = require('node-thermal-printer');
  const printer = new ThermalPrinter({ type: PrinterTypes.EPSON, interface: '/dev/null', characterSet: CharacterSet.WPC1252, width: 48 });
  printer.alignCenter();
  printer.setTextQuadArea();
  printer.println('Stadtbibliothek');
  printer.setTextNormal();
  printer.println('Öffnungszeiten: Mo–Fr');
  printer.alignLeft();
  printer.bold(true); printer.println('Fett'); printer.bold(false);
  printer.underline(true); printer.println('Unterstrichen'); printer.underline(false);
  printer.newLine();
  printer.printBarcode('400638133393', 67, { hriPos: 2, height: 60 });
  printer.newLine();
  printer.code128('LOTSE-42', { height: 60, text: 2 });
  printer.newLine();
  printer.printQR('https://lotse.example/w/C003', { cellSize: 6, correction: 'M' });
  printer.newLine();
  printer.pdf417('Lotse PDF417');
  printer.newLine();
  await printer.printImage(path.join(path.dirname(require.resolve('node-thermal-printer/package.json')), 'assets', 'olaii-logo-black-small.png'));
  printer.cut();
  return printer.getBuffer();
}

async function thermalPrinterExample(name) {
  // Run the encoder's own example page as shipped, writing to a file.
  const dir = path.dirname(require.resolve('node-thermal-printer/package.json'));
  const file = path.resolve(out, name);
  fs.writeFileSync(file, '');
  const cwd = process.cwd();
  process.chdir(dir);
  process.argv[2] = file;
  const log = console.log; console.log = () => {};
  try { await require(path.join(dir, 'examples', 'example.js')); await new Promise(r => setTimeout(r, 1500)); }
  finally { console.log = log; process.chdir(cwd); }
}

(async () => {
  fs.writeFileSync(path.join(out, 'receipt-printer-encoder.bin'), receiptPrinterEncoder());
  fs.writeFileSync(path.join(out, 'receipt-printer-encoder-raster.bin'), receiptPrinterEncoderRaster());
  fs.writeFileSync(path.join(out, 'receipt-printer-encoder-readme.bin'), receiptPrinterEncoderReadme());
  fs.writeFileSync(path.join(out, 'esc-pos-encoder.bin'), escPosEncoder());
  fs.writeFileSync(path.join(out, 'node-thermal-printer.bin'), await thermalPrinter());
  await thermalPrinterExample('node-thermal-printer-example.bin');
})();
