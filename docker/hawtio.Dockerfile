# Hawtio's standalone console, to inspect the nodes' Camel routes through their Jolokia agents.
FROM maven:3.9-eclipse-temurin-17 AS fetch
RUN mvn -B -q dependency:copy -Dartifact=io.hawt:hawtio-app:2.17.7 -DoutputDirectory=/out

FROM eclipse-temurin:17-jre
COPY --from=fetch /out/hawtio-app-2.17.7.jar /opt/hawtio/hawtio-app.jar
EXPOSE 8090
# hawtio.proxyAllowlist: the hosts Hawtio's proxy may reach (the two nodes' Jolokia agents)
ENTRYPOINT ["java", "-Dhawtio.authenticationEnabled=false", "-Dhawtio.proxyAllowlist=caravan-1,caravan-2", \
    "-jar", "/opt/hawtio/hawtio-app.jar", "--port", "8090"]
