// SPDX-License-Identifier: MIT
// mlq_predict -- run an exported mlq model on an Arduino board.
//
// Type one row of features per line on the serial monitor (115200 baud),
// comma-separated, in the training CSV's column order; the sketch answers
// with the predicted class or cluster id and the microseconds it took.
//
// The sketch folder is assembled by examples/arduino/pack.sh, which copies
// the exported header, mlq's include/mlq/ headers and src/ sources next to
// this file and writes model.h, which names the model:
//   #include "iris_kmeans.h"
//   #define MODEL_PREDICT    iris_kmeans_predict
//   #define MODEL_N_FEATURES iris_kmeans_N_FEATURES
#include "model.h"

static float x[MODEL_N_FEATURES];

void setup()
{
    Serial.begin(115200);
    Serial.print(F("mlq: send "));
    Serial.print(MODEL_N_FEATURES);
    Serial.println(F(" comma-separated features per line"));
}

void loop()
{
    int j;
    int id;
    unsigned long t;

    if (Serial.available() == 0)
        return;
    for (j = 0; j < MODEL_N_FEATURES; j++)
        x[j] = Serial.parseFloat();
    while (Serial.available() > 0 && Serial.read() != '\n') {
    }
    t = micros();
    id = MODEL_PREDICT(x);
    t = micros() - t;
    Serial.print(F("id "));
    Serial.print(id);
    Serial.print(F(" in "));
    Serial.print(t);
    Serial.println(F(" us"));
}
