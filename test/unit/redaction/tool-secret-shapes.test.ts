// Secrets in the shapes popular tools' docs show (2026-12-07): connection strings (MongoDB, Redis,
// AMQP, Kafka SASL, SQL Server, Snowflake, ClickHouse, Azure Storage and Service Bus), cloud SDK
// errors and CLIs that echo keys, and command lines from CLI docs. Each row is a line as a log or an
// error would carry it, and the secret that must not be exported. Leaks found and fixed here:
// `rabbitmqadmin -p pw`, `ssh-keygen -P old` and `-N new`, `openssl enc -k pw`, `vault login s.…`
// (legacy Vault token), Vault AppRole's `secret_id=…`, MySQL's `SET PASSWORD = PASSWORD('pw')`; the other rows were scrubbed before and are kept as regression cases.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe("secrets in tools' documented shapes", () => {
  it.each([
    ['mongodb+srv://admin:s3cretPw@cluster0.abcde.mongodb.net/db?retryWrites=true', 's3cretPw'],
    ['redis://default:s3cretPw@redis-123.cloud.redislabs.com:12345', 's3cretPw'],
    ['rediss://:s3cretPw@cache.example.com:6380/0', 's3cretPw'],
    ['amqps://bob:s3cretPw@b-1234.mq.us-east-1.amazonaws.com:5671', 's3cretPw'],
    [
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="bob" password="s3cretPw";',
      's3cretPw',
    ],
    [
      "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username='bob' password='s3cretPw';",
      's3cretPw',
    ],
    [
      'Server=tcp:srv.database.windows.net,1433;Initial Catalog=db;User ID=bob;Password=s3cretPw;Encrypt=True',
      's3cretPw',
    ],
    ['Data Source=srv;User Id=bob;Pwd=s3cretPw;', 's3cretPw'],
    ['jdbc:snowflake://acct.snowflakecomputing.com/?user=bob&password=s3cretPw&warehouse=wh', 's3cretPw'],
    ['clickhouse-client --host ch --user bob --password s3cretPw', 's3cretPw'],
    ['clickhouse://bob:s3cretPw@ch:9000/default', 's3cretPw'],
    ['jdbc:clickhouse://ch:8123/default?user=bob&password=s3cretPw', 's3cretPw'],
    [
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abcdEFGH1234abcdEFGH1234abcdEFGH1234abcdEFGH1234abcdEFGH1234abcdEFGH1234abcdEFGH==;EndpointSuffix=core.windows.net',
      'abcdEFGH1234abcdEFGH1234abcd',
    ],
    [
      'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=abcdEFGH1234abcdEFGH1234abcdEFGH1234abcd=',
      'abcdEFGH1234abcdEFGH1234abcd',
    ],
    [
      'InvalidClientTokenId: The security token included in the request is invalid. AKIAIOSFODNN7EXAMPLE',
      'AKIAIOSFODNN7EXAMPLE',
    ],
    [
      'Error: Request had invalid authentication credentials. Expected OAuth 2 access token ya29.a0AfH6SMBx3abcdEFGHijklMNOPqrsTUVwxyz0123456789',
      'ya29.a0AfH6SMBx3abcdEFGHijklMNOPqrsTUVwxyz0123456789',
    ],
    ['google api key AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe', 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe'],
    [
      '{"type": "service_account", "private_key_id": "abc123def456", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv\\n-----END PRIVATE KEY-----\\n"}',
      'MIIEv',
    ],
    ['az login --service-principal -u http://app -p s3cretPw --tenant t', 's3cretPw'],
    [
      'aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    [
      'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['docker login -u bob --password s3cretPw registry', 's3cretPw'],
    [
      'git clone https://bob:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    ],
    [
      'npm config set //registry.npmjs.org/:_authToken npm_abcdefghijklmnopqrstuvwxyz0123456789',
      'npm_abcdefghijklmnopqrstuvwxyz0123456789',
    ],
    ['//registry.npmjs.org/:_authToken=s3cretTok', 's3cretTok'],
    ['pip install --index-url https://bob:s3cretPw@pypi.example.com/simple pkg', 's3cretPw'],
    ['psql "host=db user=bob password=s3cretPw dbname=app"', 's3cretPw'],
    ['PGPASSWORD=s3cretPw psql -h db', 's3cretPw'],
    ['mysql -h db -u bob --password=s3cretPw', 's3cretPw'],
    ['mongosh "mongodb://bob:s3cretPw@h/db"', 's3cretPw'],
    ['redis-cli -h h -a s3cretPw --no-auth-warning', 's3cretPw'],
    ['redis-cli --user bob --pass s3cretPw', 's3cretPw'],
    ['rabbitmqadmin -u bob -p s3cretPw list queues', 's3cretPw'],
    ['curl -H "X-Api-Key: s3cretKey123" https://api', 's3cretKey123'],
    [
      'curl -H "Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789" https://api',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    ],
    ['wget --http-user=bob --http-password=s3cretPw https://h/f', 's3cretPw'],
    ['wget --ftp-password s3cretPw ftp://h/f', 's3cretPw'],
    ['ftp://bob:s3cretPw@h/f', 's3cretPw'],
    ['vault login s.abcdEFGH1234abcdEFGH1234', 's.abcdEFGH1234abcdEFGH1234'],
    ['vault login -method=userpass username=bob password=s3cretPw', 's3cretPw'],
    ['terraform apply -var "db_password=s3cretPw"', 's3cretPw'],
    ['helm install x --set auth.password=s3cretPw', 's3cretPw'],
    ['kubectl create secret generic db --from-literal=password=s3cretPw', 's3cretPw'],
    ['kubectl create secret docker-registry r --docker-username=bob --docker-password=s3cretPw', 's3cretPw'],
    ['htpasswd -nbB bob s3cretPw', 's3cretPw'],
    ['sqlcmd -S h -U sa -P s3cretPw', 's3cretPw'],
    ['bcp t out f -U sa -P s3cretPw', 's3cretPw'],
    ['MSSQL_SA_PASSWORD=s3cretPw', 's3cretPw'],
    ["SET PASSWORD FOR 'bob'@'%' = PASSWORD('s3cretPw')", 's3cretPw'],
    ['snowflake: user=bob password=s3cretPw account=acct', 's3cretPw'],
    ['KAFKA_SASL_PASSWORD=s3cretPw', 's3cretPw'],
    ['spring.datasource.password=s3cretPw', 's3cretPw'],
    ['ssh-keygen -p -P oldPw -N newPw -f k', 'oldPw'],
    ['gpg --batch --passphrase s3cretPw -c f', 's3cretPw'],
    ['zip -e -P s3cretPw out.zip f', 's3cretPw'],
    ['7z x -ps3cretPw a.7z', 's3cretPw'],
    ['vault write auth/approle/login role_id=abc secret_id=s3cretId', 's3cretId'],
    ['{"secret_id":"s3cretId"}', 's3cretId'],
    ['VAULT_SECRET_ID=s3cretId', 's3cretId'],
    // openssl enc's `-k`, ssh-keygen's `-N`, MySQL's `SET PASSWORD = PASSWORD('…')` (then taken as
    // `PASSWORD(` for the value of `PASSWORD =`, its argument kept).
    ['openssl enc -aes-256-cbc -k s3cretPw -in f', 's3cretPw'],
    ['ssh-keygen -t ed25519 -N s3cretPw -f k', 's3cretPw'],
    ["SET PASSWORD = PASSWORD('s3cretPw')", 's3cretPw'],
    ["set password=password('s3cretPw')", 's3cretPw'],
  ])('%s', (text, secret) => {
    const out = redactor.text(text);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/REDACTED/);
  });

  it.each([
    [['rabbitmqadmin', '-u', 'bob', '-p', 's3cretPw', 'list', 'queues'], 4],
    [['ssh-keygen', '-p', '-P', 'oldPw', '-f', 'k'], 3],
    [['vault', 'login', 's.abcdEFGH1234abcdEFGH1234'], 2],
    [['openssl', 'enc', '-k', 's3cretPw'], 3],
    [['ssh-keygen', '-N', 's3cretPw', '-f', 'k'], 2],
  ])('%j', (args, index) => {
    const out = scrubArgs(args, redactor, '[REDACTED]');
    expect(out[index]).toBe('[REDACTED]');
    expect(out.filter((_a, i) => i !== index)).toEqual(args.filter((_a, i) => i !== index));
  });
});
