// SPDX-License-Identifier: MIT
// mlq_predict -- run an exported mlq model on feature rows sent over the
// serial port (115200 baud).
//
// Send one row per line: the features, comma-separated, in the training
// CSV's column order (no label column). For each row the sketch answers
// with the line that
//     mlq predict MODEL.json ROWS.csv --device --scores [--proba]
// prints for it (--proba where the model defines probabilities): the class
// name (a cluster id, or 1 for an anomaly and 0 for a normal row), the
// integers of NAME_scores (Q15.16), then those of NAME_proba (Q15, summing
// to 32768; the largest is the confidence of the class). A model error
// prints its negative mlq_status alone. Every other line, the banner and
// the notes on lines it cannot read, starts with "# ".
//
// Wait for each answer before sending the next row: the board's receive
// buffer holds 64 bytes, and an answer takes longer to send than a row.
// Within a row, fields of up to 7 significant digits with up to 9 after the
// point are read as fast as 115200 baud brings them (at 16 MHz); a longer
// one takes up to 40000 cycles, 30 bytes' time, so a row of many such
// fields needs a slower rate or a pause after each field.
//
// model.h names the model; this example's is a decision tree on iris. For
// yours, put the header that `mlq export MODEL.json --name NAME --out NAME.h`
// wrote next to this file and edit the first lines of model.h.
#include "mlq.h"
#include "model.h"
#include "csv_row.h"

static float x[MODEL_N_FEATURES];
static csv_row row;
static unsigned long line_no;

// The class name of id, from flash where the header keeps it there.
static void print_class(int id)
{
#if MODEL_HAS_CLASSES
#ifdef MLQ_RD_PTR
    Serial.print((const __FlashStringHelper *)MLQ_RD_PTR(&MODEL_CLASS_NAMES[id]));
#else
    Serial.print(MODEL_CLASS_NAMES[id]);
#endif
#else
    Serial.print(id);
#endif
}

static void answer(void)
{
    int32_t s[MODEL_N_OUTPUTS];
    int y = MODEL_PREDICT(x);
    int j;

    if (y < 0) {
        Serial.print(y);
        Serial.print('\n');
        return;
    }
    print_class(y);
    y = MODEL_SCORES(x, s);
    for (j = 0; j < MODEL_N_OUTPUTS; j++) {
        Serial.print(' ');
        Serial.print(y < 0 ? (long)y : (long)s[j]);
    }
#if MODEL_HAS_PROBA
    {
        uint16_t p[MODEL_N_OUTPUTS];

        y = MODEL_PROBA(x, p);
        for (j = 0; j < MODEL_N_OUTPUTS; j++) {
            Serial.print(' ');
            Serial.print(y < 0 ? (long)y : (long)p[j]);
        }
    }
#endif
    Serial.print('\n');
}

static void refuse(csv_row_event e)
{
    Serial.print(F("# line "));
    Serial.print(line_no);
    switch (e) {
    case CSV_ROW_TOO_FEW:
        Serial.print(F(": too few fields"));
        break;
    case CSV_ROW_TOO_MANY:
        Serial.print(F(": too many fields"));
        break;
    default:
        Serial.print(F(": field "));
        Serial.print(row.error_field + 1);
        Serial.print(e == CSV_ROW_TOO_LONG ? F(" is too long") : F(" is not a number"));
        break;
    }
    Serial.print(F(" (want "));
    Serial.print(MODEL_N_FEATURES);
    Serial.print(F(" comma-separated numbers)\n"));
}

void setup()
{
    Serial.begin(115200);
    csv_row_init(&row, x, MODEL_N_FEATURES);
    Serial.print(F("# mlq_predict: send "));
    Serial.print(MODEL_N_FEATURES);
    Serial.print(F(" comma-separated features per line; answers: class, "));
    Serial.print(MODEL_N_OUTPUTS);
    Serial.print(MODEL_HAS_PROBA ? F(" scores, probabilities\n") : F(" scores\n"));
}

void loop()
{
    while (Serial.available() > 0) {
        csv_row_event e = csv_row_feed(&row, (char)Serial.read());

        if (e == CSV_ROW_MORE)
            continue;
        line_no++;
        if (e == CSV_ROW_DONE)
            answer();
        else if (e != CSV_ROW_EMPTY)
            refuse(e);
    }
}
