# syntax=docker/dockerfile:1
# One image holding the four stage jars; the compose service picks the stage with its command.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B -DskipTests package

# Built for Java 17, run on 25: generational ZGC and compact object headers (docker/jvm-options)
# made each run allocate ~40 % less, so the collector's cycles come further apart (docs/PERFORMANCE.md).
FROM eclipse-temurin:25-jre
# curl for the health checks on /readyz (compose); Kubernetes probes need nothing in the image
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/gateway/target/gateway.jar /src/worker/target/worker.jar \
     /src/scheduler/target/scheduler.jar /src/webhook-dispatcher/target/webhook-dispatcher.jar /app/
COPY docker/run-stage docker/jvm-options docker/train-stages /app/
# Each stage's AOT cache, made here by a training run through the stages as run-stage starts them,
# with this image's JDK: a container then starts from it, its classes already loaded and linked and
# its methods' profiles there (docs/PERFORMANCE.md). The local run's jar is only needed for the
# training's broker and client, so it is mounted from the build stage, not copied.
RUN --mount=type=bind,from=build,source=/src/local-stack/target/local-stack.jar,target=/tmp/local-stack.jar \
    chmod +x /app/run-stage /app/train-stages && /app/train-stages /tmp/local-stack.jar
# /data: the fs result store's volume; a new named volume takes this owner, so the stages can write.
# User and group 10001, the ids the Kubernetes manifests run as (runAsUser, runAsGroup); numeric in
# USER so that runAsNonRoot can verify them without the image's /etc/passwd.
RUN groupadd --system --gid 10001 hookrun && useradd --system --uid 10001 --gid 10001 hookrun \
    && mkdir /data && chown hookrun:hookrun /data
USER 10001:10001
# SIGTERM reaches java directly (exec in run-stage), so workers drain before the container stops.
ENTRYPOINT ["/app/run-stage"]
CMD ["gateway"]
